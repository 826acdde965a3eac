package dev.sinapse.apps.embed;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.inference.TrainedModel;
import java.nio.file.Path;

/**
 * A trained model, for Java code: features in, classes or probabilities out. Features are what a row of the data file
 * holds, in its order (for the digits, 784 pixels 0..255); the model scales them as training did. Not thread-safe:
 * give each thread its own, from {@link Sinapse#load}.
 */
public final class Model {
    private final TrainedModel model;

    Model(TrainedModel model) {
        this.model = model;
    }

    /** The checkpoint it came from. */
    public Path checkpoint() {
        return model.file();
    }

    /** How many features a row has. */
    public int inputs() {
        return model.network().inputSize();
    }

    /** How many classes it tells apart (10 for digits). */
    public int classes() {
        return model.classes();
    }

    /**
     * The class names, in output order, of a model trained on a table with named labels ("benign", "malignant");
     * empty when the classes are the indices themselves (digits).
     */
    public java.util.List<String> classNames() {
        return model.classNames();
    }

    /** The most probable class of one row: its index, 0..classes()−1 (its name: {@code classNames().get(i)}). */
    public int predict(float[] features) {
        return predict(new float[][] {features})[0];
    }

    /** The most probable class of each row. */
    public int[] predict(float[][] rows) {
        Matrix P = run(rows);
        int[] classes = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            classes[i] = P.argmaxRow(i);
        }
        return classes;
    }

    /** The probability of each class for one row; they sum to 1. */
    public float[] probabilities(float[] features) {
        return probabilities(new float[][] {features})[0];
    }

    /** The probability of each class for each row. */
    public float[][] probabilities(float[][] rows) {
        Matrix P = run(rows);
        float[][] p = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            p[i] = java.util.Arrays.copyOfRange(P.data(), i * P.cols(), (i + 1) * P.cols());
        }
        return p;
    }

    private Matrix run(float[][] rows) {
        int n = inputs();
        Matrix X = new Matrix(rows.length, n);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != n) {
                throw new SinapseException("row " + i + " has " + rows[i].length + " features, but the model in " + model.file()
                        + " takes " + n);
            }
            System.arraycopy(rows[i], 0, X.data(), i * n, n);
        }
        return model.probabilities(model.outputsOfValues(X));
    }
}
