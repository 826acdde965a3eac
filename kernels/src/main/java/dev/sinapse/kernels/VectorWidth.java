package dev.sinapse.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector width of the {@link VectorCompute} products: the CPU's widest (512 bits with AVX-512, 256 with
 * AVX2), or what {@code -Dsinapse.vector.bits=256|512} asks for, capped at the CPU's. The width changes speed
 * only, never a bit of the results. Touch only where the Vector API module is resolved.
 */
final class VectorWidth {
    static final String PROPERTY = "sinapse.vector.bits";

    private VectorWidth() {
    }

    static VectorSpecies<Float> floats() {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        String asked = System.getProperty(PROPERTY, "");
        if (asked.equals("256") && preferred.vectorBitSize() >= 256) {
            return FloatVector.SPECIES_256;
        }
        return preferred.vectorBitSize() > 512 ? FloatVector.SPECIES_512 : preferred;
    }

    /** Vectors of at least 256 bits run as SIMD instructions; narrower ones would not pay. */
    static boolean supported() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }
}
