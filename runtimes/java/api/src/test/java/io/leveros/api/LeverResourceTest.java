package io.leveros.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.api.internal.CurrentCall;
import org.junit.jupiter.api.Test;

class LeverResourceTest {
    @Test
    void outsideAnyCallTheResourceIsEmpty() {
        assertThat(Lever.resource()).isEmpty();
    }

    @Test
    void theResourceLastsFromEnterToExitOnThatThreadOnly() throws Exception {
        CurrentCall.enter("a/b/日本");
        try {
            assertThat(Lever.resource()).isEqualTo("a/b/日本");
            String[] seen = new String[1];
            Thread other = Thread.ofVirtual().start(() -> seen[0] = Lever.resource());
            other.join();
            assertThat(seen[0]).isEmpty();
        } finally {
            CurrentCall.exit();
        }
        assertThat(Lever.resource()).isEmpty();
    }

    @Test
    void aPlainCallClearsWhateverWasThere() {
        CurrentCall.enter("r");
        CurrentCall.enter("");
        assertThat(Lever.resource()).isEmpty();
        CurrentCall.exit();
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> CurrentCall.enter(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resource: null (expected: \"\" for a call without a resource)");
    }
}
