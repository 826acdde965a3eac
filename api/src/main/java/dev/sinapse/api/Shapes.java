package dev.sinapse.api;

import java.util.Arrays;
import java.util.stream.Collectors;

/** One sample's shape: {features} when flat, {channels, height, width} for images. */
public final class Shapes {
    private Shapes() {
    }

    /** The number of values: the product of the dimensions (1 for the empty shape). */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (d <= 0 || n > Integer.MAX_VALUE - 8) {
                return d <= 0 ? 0 : -1;
            }
        }
        return (int) n;
    }

    /** "1x28x28", or "784" when flat. */
    public static String format(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    /** Whether the shape is channels × height × width. */
    public static boolean isImage(int[] shape) {
        return shape.length == 3;
    }
}
