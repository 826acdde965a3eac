package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistriesTest {
    /** A kind the api knows nothing about, as a plug-in module might declare one. */
    interface WidgetFactory {
    }

    private static final LayerFactory DENSE = ctx -> null;
    private static final ActivationFactory RELU = options -> null;
    private static final WidgetFactory GEAR = new WidgetFactory() { };

    private static Registry<LayerFactory> layers(Map<String, LayerFactory> entries) {
        return new Registry<>("layer", LayerFactory.class, entries);
    }

    private static Registry<ActivationFactory> activations(Map<String, ActivationFactory> entries) {
        return new Registry<>("activation", ActivationFactory.class, entries);
    }

    @Test
    void findsEachRegistryByTheTypeOfItsEntriesAKindOfItsOwnToo() {
        Registry<WidgetFactory> widgets = new Registry<>("widget", WidgetFactory.class, Map.of("gear", GEAR));
        Registries r = Registries.from(List.of(layers(Map.of("dense", DENSE)), activations(Map.of("relu", RELU)), widgets));

        assertThat(r.of(WidgetFactory.class)).isSameAs(widgets);
        assertThat(r.of(WidgetFactory.class).get("gear", "x")).isSameAs(GEAR);
        assertThat(r.layers().get("dense", "x")).isSameAs(DENSE);
        assertThat(r.of(ActivationFactory.class)).isSameAs(r.activations());
        assertThat(r.all()).extracting(Registry::kind).containsExactly("layer", "activation", "widget");
    }

    @Test
    void aKindNoModuleDeclaredFailsNamingTheKindsThereAre() {
        Registries r = Registries.from(List.of(layers(Map.of()), activations(Map.of())));

        assertThatThrownBy(() -> r.of(WidgetFactory.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no registry of WidgetFactory was declared; there are: layer, activation");
        assertThatThrownBy(r::losses).hasMessageStartingWith("no registry of LossFactory");
    }

    @Test
    void twoRegistriesOfOneTypeAreRejected() {
        assertThatThrownBy(() -> Registries.from(List.of(layers(Map.of()), new Registry<>("layers2", LayerFactory.class, Map.of()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("two registries of LayerFactory: 'layer' and 'layers2'");
    }

    @Test
    void aKeyThatIsBothALayerAndAnActivationIsRejected() {
        assertThatThrownBy(() -> Registries.from(List.of(layers(Map.of("relu", DENSE)), activations(Map.of("relu", RELU)))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("'relu' is registered both as a layer and as an activation");
    }
}
