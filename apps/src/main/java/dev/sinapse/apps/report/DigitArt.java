package dev.sinapse.apps.report;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * A square image of pixels 0..255 drawn with shade characters, two per pixel so that it keeps its proportions in a
 * terminal (a character cell is about twice as tall as it is wide), in a frame. Unicode blocks where the output
 * charset can encode them, ASCII otherwise.
 */
public final class DigitArt {
    private static final char[] UNICODE = {' ', '░', '▒', '▓', '█'};
    private static final char[] ASCII = {' ', '.', '+', '#', '@'};

    private DigitArt() {
    }

    /** Whether the platform's default charset (what System.out writes) can show the Unicode shades and frame. */
    public static boolean unicodeByDefault() {
        var encoder = Charset.defaultCharset().newEncoder();
        return encoder.canEncode("░▒▓█┌┐└┘─│");
    }

    /** The side of a square image with {@code features} pixels, or -1 when they do not form a square. */
    public static int side(int features) {
        int s = (int) Math.round(Math.sqrt(features));
        return s * s == features ? s : -1;
    }

    /** One shade per 64 levels; only 0 is blank, so every inked pixel shows. */
    static char shade(int pixel, boolean unicode) {
        char[] ramp = unicode ? UNICODE : ASCII;
        return pixel == 0 ? ramp[0] : ramp[1 + Math.min(3, pixel / 64)];
    }

    /** The picture: a top border, {@code side} rows of 2·side characters between side borders, a bottom border. */
    public static List<String> lines(int[] pixels, int side, boolean unicode) {
        List<String> out = new ArrayList<>();
        String bar = (unicode ? "─" : "-").repeat(2 * side);
        String v = unicode ? "│" : "|";
        out.add((unicode ? "┌" : "+") + bar + (unicode ? "┐" : "+"));
        for (int r = 0; r < side; r++) {
            StringBuilder line = new StringBuilder(v);
            for (int c = 0; c < side; c++) {
                char ch = shade(pixels[r * side + c], unicode);
                line.append(ch).append(ch);
            }
            out.add(line.append(v).toString());
        }
        out.add((unicode ? "└" : "+") + bar + (unicode ? "┘" : "+"));
        return out;
    }
}
