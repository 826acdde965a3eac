package dev.sinapse.io.config;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.data.TableCsv;
import dev.sinapse.io.data.TableDataset;
import dev.sinapse.io.data.TableTransform;
import dev.sinapse.io.proto.DataConfig;
import dev.sinapse.io.proto.DataTransform;
import java.util.List;
import java.util.Optional;

/**
 * data.format "table" between the config, the reader and the checkpoint: how training reads a table, the transform
 * fitted on its training rows, and that transform as the checkpoint's {@link DataTransform}, which evaluate and
 * predict read new files with.
 */
public final class Tables {
    private Tables() {
    }

    public static boolean isTable(DataConfig d) {
        return ConfigFiles.isTable(d.getFormat());
    }

    /** How training reads its table: the config's columns, its missing policy, the classes from the data. */
    static TableCsv.Spec trainingSpec(DataConfig d) {
        return new TableCsv.Spec(d.getLabelColumn(), d.getFeatureColumnsList(), fills(d), null);
    }

    /** How a model reads a new table: its features by name, its classes, the missing policy it was trained with. */
    public static TableCsv.Spec modelSpec(DataConfig d, DataTransform t) {
        return new TableCsv.Spec(d.getLabelColumn(), t.getFeatureNamesList(), fills(d), t.getClassNamesList());
    }

    private static boolean fills(DataConfig d) {
        return d.getMissing().equals("mean") || d.getMissing().equals("zero");
    }

    /** The train and dev rows of a table read through the transform fitted on the train rows alone. */
    static Experiments.Split fitted(Experiments.Split s, DataConfig d) {
        if (!(s.train() instanceof TableDataset train) || !(s.dev() instanceof TableDataset dev)) {
            return s;
        }
        TableTransform t = TableTransform.fit(train, d.getStandardize().isEmpty() ? "none" : d.getStandardize(),
                d.getMissing().isEmpty() ? "error" : d.getMissing());
        return new Experiments.Split(train.withTransform(t), dev.withTransform(t));
    }

    /** A table's features, classes and fitted transform, for the checkpoint; empty for pixels. */
    public static Optional<DataTransform> describe(Dataset train) {
        if (!(train instanceof TableDataset t)) {
            return Optional.empty();
        }
        TableTransform x = t.transform();
        DataTransform.Builder b = DataTransform.newBuilder()
                .addAllFeatureNames(t.featureNames())
                .addAllClassNames(t.classNames());
        for (int j = 0; j < x.features(); j++) {
            b.addFill(x.fill()[j]).addShift(x.shift()[j]).addFactor(x.factor()[j]);
        }
        return Optional.of(b.build());
    }

    /** The transform stored in a checkpoint; {@code where} names the file in the message when it is inconsistent. */
    public static TableTransform transform(DataTransform t, String where) {
        int n = t.getFeatureNamesCount();
        if (n == 0 || t.getFillCount() != n || t.getShiftCount() != n || t.getFactorCount() != n) {
            throw new SinapseException(where + ": data_transform holds " + n + " feature names but "
                    + t.getFillCount() + "/" + t.getShiftCount() + "/" + t.getFactorCount() + " fill/shift/factor values");
        }
        float[] fill = new float[n], shift = new float[n], factor = new float[n];
        for (int j = 0; j < n; j++) {
            fill[j] = t.getFill(j);
            shift[j] = t.getShift(j);
            factor[j] = t.getFactor(j);
        }
        return new TableTransform(fill, shift, factor);
    }

    /** The class names of a model, by output; empty when its labels were class indices. */
    public static List<String> classNames(DataTransform t) {
        return t.getClassNamesList();
    }
}
