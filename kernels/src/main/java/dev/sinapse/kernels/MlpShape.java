package dev.sinapse.kernels;

import dev.sinapse.api.Activation;
import dev.sinapse.api.Affine;
import dev.sinapse.api.CrossEntropyLoss;
import dev.sinapse.api.Elementwise;
import dev.sinapse.api.Layer;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.SoftmaxOutput;
import java.util.List;
import java.util.Optional;

/**
 * The network the fused kernels run, recognised by the roles of its layers: affine → element-wise → affine →
 * softmax output, trained with cross-entropy, at most {@code maxInputs} inputs.
 */
record MlpShape(Param W1, Param b1, Activation f, Param W2, Param b2) {
    int n() {
        return W1.value().cols();
    }

    int h() {
        return W1.value().rows();
    }

    int c() {
        return W2.value().rows();
    }

    static Optional<MlpShape> match(Network net, Loss loss, int maxInputs) {
        List<Layer> layers = net.layers();
        if (layers.size() != 4 || !(loss instanceof CrossEntropyLoss)
                || !(layers.get(0) instanceof Affine first) || !(layers.get(1) instanceof Elementwise act)
                || !(layers.get(2) instanceof Affine second) || !(layers.get(3) instanceof SoftmaxOutput)) {
            return Optional.empty();
        }
        Param W1 = first.weights(), b1 = first.bias(), W2 = second.weights(), b2 = second.bias();
        int h = W1.value().rows(), n = W1.value().cols(), c = W2.value().rows();
        boolean shapes = W1.decays() && !b1.decays() && W2.decays() && !b2.decays()
                && n == net.inputSize() && n <= maxInputs
                && b1.value().rows() == 1 && b1.value().cols() == h
                && W2.value().cols() == h && b2.value().rows() == 1 && b2.value().cols() == c
                && act.inputSize() == h && layers.get(3).inputSize() == c;
        return shapes ? Optional.of(new MlpShape(W1, b1, act.activation(), W2, b2)) : Optional.empty();
    }
}
