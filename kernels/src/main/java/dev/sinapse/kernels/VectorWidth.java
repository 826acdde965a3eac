package dev.sinapse.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector width of the {@link VectorCompute} products: 256 bits, or 512 where
 * {@code -Dsinapse.vector.bits=512} asks for them and the CPU has AVX-512. The width changes speed only, never a bit
 * of the results. Touch only where the Vector API module is resolved.
 *
 * <p>256 is the default on AVX-512 CPUs too: on a 16-core AVX-512 Xeon under JDK 17, 512-bit products made a
 * wide-dropout epoch 7.6 s against 0.55 s at 256 bits (one thread), and LeNet 21% slower (docs/performance.md,
 * round 10).
 */
final class VectorWidth {
    static final String PROPERTY = "sinapse.vector.bits";

    private VectorWidth() {
    }

    static VectorSpecies<Float> floats() {
        return floats(System.getProperty(PROPERTY, ""), FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    /** The width asked for ("" for the default) on a CPU whose widest float vectors have {@code cpuBits} bits. */
    static VectorSpecies<Float> floats(String asked, int cpuBits) {
        return asked.equals("512") && cpuBits >= 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    }

    /** Vectors of at least 256 bits run as SIMD instructions; narrower ones would not pay. */
    static boolean supported() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }
}
