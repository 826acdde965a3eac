package dev.sinapse.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorCompute}'s forward tile: rows a0..a0+3 (k apart) against units b0..b0+2, the twelve eight-lane sums
 * into lanes[(r·3 + q)·8 ..]. On JDK 17, C2 compiles this loop either at the FMA peak or at about half of it, fixed
 * for the life of the compiled method (docs/performance.md, round 7), so {@link Copies} loads it several times, each
 * copy compiled on its own, and the compute runs whichever times fastest. Every copy does the same operations, so the
 * choice never changes a bit. Public only so that a copy in another class loader can be reached.
 */
public final class DotTile {
    /** One copy's entry point, as the compute sees it. */
    public interface Kernel {
        void dots4x3(float[] a, int a0, float[] b, int b0, int k, float[] lanes);
    }

    /**
     * The tile itself, in a class of its own so that each copy gets its own compiled code. It uses nothing of
     * DotTile's but the public interface: a copy lives in another class loader, outside this package's access.
     */
    public static final class Tile implements Kernel {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
        private static final int L = 8;

        @Override
        public void dots4x3(float[] a, int a0, float[] b, int b0, int k, float[] lanes) {
            int a1 = a0 + k, a2 = a1 + k, a3 = a2 + k, b1 = b0 + k, b2 = b1 + k;
            FloatVector s00 = FloatVector.zero(F), s01 = FloatVector.zero(F), s02 = FloatVector.zero(F);
            FloatVector s10 = FloatVector.zero(F), s11 = FloatVector.zero(F), s12 = FloatVector.zero(F);
            FloatVector s20 = FloatVector.zero(F), s21 = FloatVector.zero(F), s22 = FloatVector.zero(F);
            FloatVector s30 = FloatVector.zero(F), s31 = FloatVector.zero(F), s32 = FloatVector.zero(F);
            for (int p = 0; p + L <= k; p += L) {
                FloatVector w0 = FloatVector.fromArray(F, b, b0 + p), w1 = FloatVector.fromArray(F, b, b1 + p);
                FloatVector w2 = FloatVector.fromArray(F, b, b2 + p);
                FloatVector x = FloatVector.fromArray(F, a, a0 + p);
                s00 = x.fma(w0, s00);
                s01 = x.fma(w1, s01);
                s02 = x.fma(w2, s02);
                x = FloatVector.fromArray(F, a, a1 + p);
                s10 = x.fma(w0, s10);
                s11 = x.fma(w1, s11);
                s12 = x.fma(w2, s12);
                x = FloatVector.fromArray(F, a, a2 + p);
                s20 = x.fma(w0, s20);
                s21 = x.fma(w1, s21);
                s22 = x.fma(w2, s22);
                x = FloatVector.fromArray(F, a, a3 + p);
                s30 = x.fma(w0, s30);
                s31 = x.fma(w1, s31);
                s32 = x.fma(w2, s32);
            }
            s00.intoArray(lanes, 0);
            s01.intoArray(lanes, L);
            s02.intoArray(lanes, 2 * L);
            s10.intoArray(lanes, 3 * L);
            s11.intoArray(lanes, 4 * L);
            s12.intoArray(lanes, 5 * L);
            s20.intoArray(lanes, 6 * L);
            s21.intoArray(lanes, 7 * L);
            s22.intoArray(lanes, 8 * L);
            s30.intoArray(lanes, 9 * L);
            s31.intoArray(lanes, 10 * L);
            s32.intoArray(lanes, 11 * L);
        }
    }

    private DotTile() {
    }

    /** {@code count} copies of {@link Tile}, each defined by a class loader of its own, so each is compiled alone. */
    static Kernel[] copies(int count) {
        Kernel[] out = new Kernel[count];
        out[0] = new Tile();
        String name = Tile.class.getName();
        byte[] bytes;
        try (java.io.InputStream in = Tile.class.getResourceAsStream("DotTile$Tile.class")) {
            bytes = in == null ? null : in.readAllBytes();
        } catch (java.io.IOException e) {
            bytes = null;
        }
        for (int c = 1; c < count; c++) {
            out[c] = bytes == null ? out[0] : define(name, bytes);
        }
        return out;
    }

    private static Kernel define(String name, byte[] bytes) {
        ClassLoader parent = Tile.class.getClassLoader();
        ClassLoader own = new ClassLoader(parent) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (!n.equals(name)) {
                    return super.loadClass(n, resolve);
                }
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                }
            }
        };
        try {
            return (Kernel) own.loadClass(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            return new Tile();   // where classes cannot be defined, one copy (the choice is then only of speed)
        }
    }
}
