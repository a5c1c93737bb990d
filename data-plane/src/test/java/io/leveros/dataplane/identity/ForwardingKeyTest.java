package io.leveros.dataplane.identity;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.dataplane.call.CallException;
import org.junit.jupiter.api.Test;

class ForwardingKeyTest {
    private static final String KEY = "k3y-of-the-cluster";

    @Test
    void onlyTheKeyItselfPasses() {
        assertThatCode(() -> ForwardingKey.check(KEY, KEY)).doesNotThrowAnyException();
        for (String wrong : new String[] {"k3y-of-the-clustex", "x3y-of-the-cluster", KEY + "x", "k3y", ""}) {
            assertThatThrownBy(() -> ForwardingKey.check(wrong, KEY))
                    .as(wrong)
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("wrong lever-forwarding-key");
        }
        assertThatThrownBy(() -> ForwardingKey.check(null, KEY)).hasMessageContaining("no lever-forwarding-key");
        assertThatThrownBy(() -> ForwardingKey.check("", ""))
                .as("before the first snapshot nothing passes")
                .isInstanceOf(CallException.class);
    }

    @Test
    void thePreviousKeyPassesOnlyWhileItIsGiven() {
        assertThatCode(() -> ForwardingKey.check("old", KEY, "old")).doesNotThrowAnyException();
        assertThatThrownBy(() -> ForwardingKey.check("old", KEY, ""))
                .hasMessageContaining("wrong lever-forwarding-key");
        assertThatThrownBy(() -> ForwardingKey.check("", KEY, "")).isInstanceOf(CallException.class);
    }
}
