package dev.sinapse.io.data;

/** Quoting of file content in one-line error messages: control characters escaped, long values clipped. */
final class Messages {
    private static final int LONGEST = 40;

    private Messages() {
    }

    /** {@code '3.5'}: the value as found, quoted. */
    static String quote(String value) {
        return "'" + clip(value) + "'";
    }

    /** At most {@value #LONGEST} characters, on one line. */
    static String clip(String value) {
        String s = oneLine(value);
        return s.length() <= LONGEST ? s : s.substring(0, LONGEST) + "…";
    }

    /** Line breaks and other control characters as escapes, so a message stays one line. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
