package dev.sinapse.apps.inference;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Layer;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Options;
import dev.sinapse.api.Registries;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.SoftmaxOutput;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Tables;
import dev.sinapse.io.data.KaggleCsv;
import dev.sinapse.io.data.RowBatches;
import dev.sinapse.io.data.TableCsv;
import dev.sinapse.io.data.TableDataset;
import dev.sinapse.io.data.TableTransform;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.kernels.BatchKernel;
import dev.sinapse.kernels.Kernels;
import java.nio.file.Path;
import java.util.List;

/**
 * A network rebuilt from a checkpoint alone, with the preprocessing it was trained with (pixel scale, label
 * column) and its loss: what evaluate, predict and show run. Data is read in batches of {@link #BATCH_ROWS}, so
 * a file of any length needs the memory of one batch.
 */
public final class TrainedModel {
    public static final int BATCH_ROWS = 1000;

    private final Path file;
    private final Checkpoint checkpoint;
    private final Experiment config;
    private final Network network;
    private final Loss loss;
    private final float scale;
    private final BatchKernel kernel;
    private final Compute compute = Compute.serial();
    /** A table's transform, as training fitted it; null for pixels. */
    private final TableTransform table;

    private TrainedModel(Path file, Checkpoint checkpoint, Network network, Loss loss, BatchKernel kernel) {
        this.file = file;
        this.checkpoint = checkpoint;
        this.network = network;
        this.loss = loss;
        this.kernel = kernel;
        // the config's defaults where the file leaves a field out, as training would have filled them
        this.config = ConfigFiles.withDefaults(checkpoint.getConfig());
        this.scale = 1f / config.getData().getPixelScale();
        this.table = Tables.isTable(config.getData()) ? Tables.transform(checkpoint.getDataTransform(), file.toString()) : null;
    }

    /** The model in {@code ckpt}, run by the kernel {@code kernels} chooses for its network, as training does. */
    public static TrainedModel load(Path ckpt, Registries registries, Kernels kernels) {
        return load(CheckpointFile.read(ckpt), ckpt, registries, kernels);
    }

    /** The model in checkpoint {@code c}, read from {@code ckpt}. */
    public static TrainedModel load(Checkpoint c, Path ckpt, Registries registries, Kernels kernels) {
        Experiment e = c.getConfig();
        Network net = Models.load(c, ckpt, registries);
        Loss loss;
        try {
            Options o = new Options("loss '" + e.getLoss().getType() + "'", e.getLoss().getOptionsMap());
            // the form that reads this network's output: cross-entropy on raw scores folds softmax in
            loss = registries.losses().get(e.getLoss().getType(), "loss.type").create(o).forOutputOf(net);
        } catch (SinapseException x) {
            throw new SinapseException(ckpt + ": " + x.getMessage());
        }
        return new TrainedModel(ckpt, c, net, loss, kernels.choose(net, loss, 1));
    }

    public Path file() {
        return file;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public Network network() {
        return network;
    }

    public Loss loss() {
        return loss;
    }

    public String labelColumn() {
        return config.getData().getLabelColumn();
    }

    public int classes() {
        return network.outputSize();
    }

    /** Whether the model reads a table (data.format "table") rather than pixels. */
    public boolean isTable() {
        return table != null;
    }

    /** How predict and evaluate write class k: its name when the labels were names, else the index itself. */
    public String className(int k) {
        List<String> names = table == null ? List.of() : checkpoint.getDataTransform().getClassNamesList();
        return names.isEmpty() ? Integer.toString(k) : names.get(k);
    }

    /** The class names by output when the labels were names; empty when they were indices (and for pixels). */
    public List<String> classNames() {
        return table == null ? List.of() : checkpoint.getDataTransform().getClassNamesList();
    }

    /** "runs/x/last.ckpt ('article', step 500)": how messages and reports name the model. */
    public String describe() {
        String name = checkpoint.getConfig().getName();
        return file + " (" + (name.isEmpty() ? "" : "'" + name + "', ") + "step " + checkpoint.getPosition().getStep() + ")";
    }

    /** Opens {@code data} for reading in batches; a labelled file is one whose header has the label column. */
    public RowBatches open(Path data) {
        if (table != null) {
            // the features by the names training read, each batch through training's transform
            RowBatches rows = TableCsv.open(data, Tables.modelSpec(config.getData(), checkpoint.getDataTransform()), BATCH_ROWS);
            return new RowBatches() {
                @Override
                public int features() {
                    return rows.features();
                }

                @Override
                public boolean hasLabels() {
                    return rows.hasLabels();
                }

                @Override
                public Dataset next() {
                    Dataset d = rows.next();
                    return d == null ? null : ((TableDataset) d).withTransform(table);
                }

                @Override
                public void close() {
                    rows.close();
                }
            };
        }
        KaggleCsv.Batches b = KaggleCsv.open(data, labelColumn(), BATCH_ROWS);
        if (b.features() != network.inputSize()) {
            b.close();
            throw new SinapseException(data + " line 1: the header has " + b.features() + " pixel columns, but the model in "
                    + file + " takes " + network.inputSize() + " inputs");
        }
        return b;
    }

    /** The network's output for every row of {@code batch}: rows × classes, in inference mode. */
    public Matrix outputs(Dataset batch) {
        Matrix X = batch.batch(batch.naturalOrder(), 0, batch.size(), scale);
        return kernel.outputs(network, X, compute);
    }

    /**
     * The network's output for rows of feature values as a data file holds them (pixels 0..255, a table's raw
     * values), transformed and scaled as training did: rows × classes, in inference mode. {@code raw} is not modified.
     */
    public Matrix outputsOfValues(Matrix raw) {
        Matrix X = raw.copy();
        if (table != null) {
            // a table's fill, shift and factor first, as training applied them (TableDataset.batch)
            float[] x = X.data();
            for (int i = 0, c = X.cols(); i < x.length; i++) {
                x[i] = table.apply(x[i], i % c);
            }
        }
        X.scaleInPlace(scale);
        return kernel.outputs(network, X, compute);
    }

    /**
     * Class probabilities from the outputs: the outputs themselves when the network ends in softmax; otherwise (raw
     * scores trained with cross-entropy, which folds softmax into the loss, or mse outputs) their softmax, so each
     * row still sums to 1.
     */
    public Matrix probabilities(Matrix outputs) {
        List<Layer> layers = network.layers();
        if (!layers.isEmpty() && layers.get(layers.size() - 1) instanceof SoftmaxOutput) {
            return outputs;
        }
        return SoftmaxOutput.softmax(outputs);
    }

    /**
     * The labels of a labelled {@code batch} whose first row is row {@code firstRow} of {@code data} (counted from 0,
     * as show's --index); fails naming the file and row when a label is not one of the outputs.
     */
    public int[] labels(Dataset batch, Path data, long firstRow) {
        int[] y = batch.labels(batch.naturalOrder(), 0, batch.size());
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= classes()) {
                throw new SinapseException(data + ", row " + (firstRow + i) + ": label " + y[i] + ", but the model in "
                        + file + " has " + classes() + " outputs (classes 0.." + (classes() - 1) + ")");
            }
        }
        return y;
    }
}
