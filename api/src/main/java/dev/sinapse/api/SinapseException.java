package dev.sinapse.api;

/**
 * A mistake the user can fix: a bad file, a bad config, a bad flag. The message is one line that names
 * the file, line or field and what was expected; the command line prints it without a stack trace.
 */
public class SinapseException extends RuntimeException {
    public SinapseException(String message) {
        super(message);
    }

    public SinapseException(String message, Throwable cause) {
        super(message, cause);
    }
}
