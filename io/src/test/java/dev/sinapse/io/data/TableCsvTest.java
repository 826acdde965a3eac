package dev.sinapse.io.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** data.format "table": floats by column name, labels as indices or names, the fitted transform, the refusals. */
class TableCsvTest {
    private static final TableCsv.Spec TRAIN = new TableCsv.Spec("y", List.of(), false, null);

    private static TableDataset read(String csv, TableCsv.Spec spec) {
        return TableCsv.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "t.csv", spec);
    }

    @Test
    void featuresAreFloatsInHeaderOrderAndStringLabelsAreSortedNames() {
        TableDataset d = read("a,y,b\n0.5,setosa,-2\n1e2,virginica,3.25\n7,versicolor,0\n", TRAIN);
        assertThat(d.featureNames()).containsExactly("a", "b");
        assertThat(d.classNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(new int[] {d.label(0), d.label(1), d.label(2)}).containsExactly(0, 2, 1);
        Matrix X = d.batch(d.naturalOrder(), 0, 3, 1f);
        assertThat(X.data()).containsExactly(0.5f, -2f, 100f, 3.25f, 7f, 0f);
        assertThat(d.bytes()).isFalse();
    }

    @Test
    void integerLabelsAreTheClassIndicesThemselves() {
        TableDataset d = read("x,y\n1,2\n2,0\n", TRAIN);
        assertThat(d.classNames()).isEmpty();
        assertThat(new int[] {d.label(0), d.label(1)}).containsExactly(2, 0);
    }

    @Test
    void featureColumnsPickAndOrderColumnsByName() {
        TableDataset d = read("id,a,y,b\n9,1,0,2\n", new TableCsv.Spec("y", List.of("b", "a"), false, null));
        assertThat(d.featureNames()).containsExactly("b", "a");
        assertThat(d.batch(d.naturalOrder(), 0, 1, 1f).data()).containsExactly(2f, 1f);
    }

    @Test
    void zscoreAndMinmaxAreFittedOnTheRowsGivenAndAppliedAsWritten() {
        // column a: 1, 2, 3 → mean 2, population std √(2/3); column b: 10, 10, 40 → min 10, range 30
        TableDataset d = read("a,b,y\n1,10,0\n2,10,1\n3,40,0\n", TRAIN);
        TableTransform z = TableTransform.fit(d, "zscore", "error");
        assertThat(z.shift()[0]).isEqualTo(2f);
        assertThat(z.factor()[0]).isCloseTo((float) (1 / Math.sqrt(2.0 / 3)), within(1e-6f));
        float[] X = d.withTransform(z).batch(d.naturalOrder(), 0, 3, 1f).data();
        assertThat(X[0] + X[2] + X[4]).isCloseTo(0f, within(1e-6f));
        TableTransform mm = TableTransform.fit(d, "minmax", "error");
        float[] Y = d.withTransform(mm).batch(d.naturalOrder(), 0, 3, 1f).data();
        assertThat(new float[] {Y[1], Y[3], Y[5]}).containsExactly(0f, 0f, 1f);
        // fitted on the first two rows only, row 3 lies outside [0, 1]: nothing from it leaked into the fit
        TableTransform firstTwo = TableTransform.fit(d.slice(0, 2), "minmax", "error");
        assertThat(d.withTransform(firstTwo).batch(d.naturalOrder(), 2, 3, 1f).data()[0]).isEqualTo(2f);
    }

    @Test
    void missingCellsAreFilledWithTheTrainingMeanWhenAllowed() {
        TableDataset d = read("a,y\n1,0\n,1\nNaN,0\n5,1\n", new TableCsv.Spec("y", List.of(), true, null));
        TableTransform mean = TableTransform.fit(d, "none", "mean");
        assertThat(d.withTransform(mean).batch(d.naturalOrder(), 0, 4, 1f).data()).containsExactly(1f, 3f, 3f, 5f);
        TableTransform zero = TableTransform.fit(d, "none", "zero");
        assertThat(d.withTransform(zero).batch(d.naturalOrder(), 0, 4, 1f).data()).containsExactly(1f, 0f, 0f, 5f);
    }

    @Test
    void badCellsAreRefusedWithLineAndColumn() {
        assertThatThrownBy(() -> read("a,y\n1,0\n,1\n", TRAIN)).isInstanceOf(SinapseException.class)
                .hasMessage("t.csv line 3, column a: missing value; fill it in, or set data.missing to mean or zero");
        assertThatThrownBy(() -> read("a,y\n1,0\nNaN,1\n", TRAIN)).hasMessageStartingWith("t.csv line 3, column a: missing value");
        assertThatThrownBy(() -> read("a,y\n1,0\n2x,1\n", TRAIN)).hasMessage("t.csv line 3, column a: expected a number, found '2x'");
        assertThatThrownBy(() -> read("a,y\n1,0\nInfinity,1\n", TRAIN)).hasMessageContaining("line 3, column a: expected a number");
        assertThatThrownBy(() -> read("a,y\n1,0\n2\n", TRAIN)).hasMessage("t.csv line 3: expected 2 columns, found 1");
        assertThatThrownBy(() -> read("a,y\n1,\n", TRAIN)).hasMessage("t.csv line 2, column y: missing label");
        assertThatThrownBy(() -> read("a,y\n1,0\n", new TableCsv.Spec("y", List.of("c"), false, null)))
                .hasMessage("t.csv line 1: no column 'c' in the header (data.feature_columns)");
    }

    @Test
    void aModelsClassNamesMapNewFilesAndAnUnseenLabelIsRefused() {
        TableCsv.Spec model = new TableCsv.Spec("y", List.of("a"), false, List.of("cat", "dog"));
        TableDataset d = read("y,a\ndog,1\ncat,2\n", model);
        assertThat(new int[] {d.label(0), d.label(1)}).containsExactly(1, 0);
        assertThatThrownBy(() -> read("y,a\ndog,1\nbird,2\n", model)).isInstanceOf(SinapseException.class)
                .hasMessage("t.csv line 3, column y: label 'bird' is not a class the model was trained on (cat, dog)");
    }
}
