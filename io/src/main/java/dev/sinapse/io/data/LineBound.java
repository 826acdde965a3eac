package dev.sinapse.io.data;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * The characters of a CSV file, failing with {@link TooLong} as soon as one record runs past {@code max}
 * characters: a parser holds a whole record in memory, so without a bound a file with no line breaks (a 4 GB line,
 * {@code /dev/zero}) is read until the heap runs out. Records are told apart as commons-csv's default format does:
 * a line break ends one unless it is inside a quoted value, and a quote opens one only at the start of a value.
 * Lines are counted as editors count them (CR LF, LF and a lone CR each end one).
 */
final class LineBound extends FilterReader {
    private enum State { VALUE_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED }

    private final long max;
    private State state = State.VALUE_START;
    private long length;
    private long line = 1;
    private long recordLine = 1;
    private boolean afterCr;

    LineBound(Reader in, long max) {
        super(in);
        this.max = max;
    }

    /** A record longer than the bound; {@link #line} is the physical line it starts on. */
    static final class TooLong extends IOException {
        final long line;
        final long max;

        TooLong(long line, long max) {
            super("line " + line + " is longer than " + max + " characters");
            this.line = line;
            this.max = max;
        }
    }

    @Override
    public int read() throws IOException {
        char[] one = new char[1];
        return read(one, 0, 1) < 0 ? -1 : one[0];
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        int n = super.read(cbuf, off, len);
        for (int i = off; i < off + n; i++) {
            see(cbuf[i]);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        char[] buf = new char[(int) Math.min(n, 8192)];
        int read = read(buf, 0, buf.length);
        return Math.max(read, 0);
    }

    private void see(char c) throws TooLong {
        boolean lineBreak = c == '\r' || c == '\n' && !afterCr;
        if (lineBreak) {
            line++;
        }
        afterCr = c == '\r';
        boolean newline = c == '\r' || c == '\n';
        switch (state) {
            case VALUE_START -> state = c == '"' ? State.QUOTED : c == ',' || newline ? State.VALUE_START : State.UNQUOTED;
            case UNQUOTED -> state = c == ',' || newline ? State.VALUE_START : State.UNQUOTED;
            case QUOTED -> state = c == '"' ? State.QUOTE_IN_QUOTED : State.QUOTED;
            case QUOTE_IN_QUOTED -> state = c == '"' ? State.QUOTED : c == ',' || newline ? State.VALUE_START : State.UNQUOTED;
        }
        if (newline && state == State.VALUE_START) {
            length = 0;
            recordLine = line;
        } else if (++length > max) {
            throw new TooLong(recordLine, max);
        }
    }
}
