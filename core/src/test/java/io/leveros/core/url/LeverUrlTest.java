package io.leveros.core.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LeverUrlTest {

    @Test
    void parsesAbsoluteUrl() {
        LeverUrl url = LeverUrl.parse("lever://dev.lever/helloService/sayHello");
        assertThat(url).isEqualTo(new LeverUrl("dev.lever", "helloService", "", "sayHello"));
        assertThat(url.isAbsolute()).isTrue();
        assertThat(url.hasResource()).isFalse();
    }

    @Test
    void parsesRelativeUrl() {
        LeverUrl url = LeverUrl.parse("/helloService/sayHello");
        assertThat(url.environment()).isNull();
        assertThat(url.service()).isEqualTo("helloService");
        assertThat(url.method()).isEqualTo("sayHello");
    }

    @Test
    void resourceIsEverythingBetweenServiceAndMethod() {
        LeverUrl url = LeverUrl.parse("lever://dev.lever/chat/rooms/42/lobby/post");
        assertThat(url.service()).isEqualTo("chat");
        assertThat(url.resource()).isEqualTo("rooms/42/lobby");
        assertThat(url.method()).isEqualTo("post");
    }

    @Test
    void dropsThePortFromTheEnvironment() {
        assertThat(LeverUrl.parse("lever://dev.lever:8080/svc/m").environment()).isEqualTo("dev.lever");
    }

    @Test
    void writesTheResourceSlotLikeTheOriginal() {
        assertThat(LeverUrl.parse("lever://dev.lever/svc/m")).hasToString("lever://dev.lever/svc//m");
        assertThat(LeverUrl.parse("lever://dev.lever/svc//m")).isEqualTo(LeverUrl.parse("lever://dev.lever/svc/m"));
        assertThat(LeverUrl.parse("lever://e.lever/svc/r/m")).hasToString("lever://e.lever/svc/r/m");
        assertThat(LeverUrl.parse("/svc/m")).hasToString("/svc/m");
    }

    @Test
    void roundTripsThroughText() {
        for (String text : new String[] {"lever://a.lever/s//m", "lever://a.lever/s/r/x/m", "/s/m", "/s/r/m"}) {
            assertThat(LeverUrl.parse(text)).hasToString(text);
        }
    }

    @Test
    void relativeUrlTakesAnEnvironment() {
        assertThat(LeverUrl.parse("/svc/m").withEnvironment("prod.lever"))
                .isEqualTo(new LeverUrl("prod.lever", "svc", "", "m"));
    }

    @Test
    void rejectsUrlsWithAReason() {
        assertThatThrownBy(() -> LeverUrl.parse("/svc")).hasMessageContaining("has no method");
        assertThatThrownBy(() -> LeverUrl.parse("http://dev.lever/svc/m"))
                .isInstanceOf(InvalidLeverUrlException.class)
                .hasMessageContaining("scheme 'http'");
        assertThatThrownBy(() -> LeverUrl.parse("svc/m")).hasMessageContaining("not a Lever URL");
        assertThatThrownBy(() -> LeverUrl.parse("lever://dev.lever")).hasMessageContaining("no path");
        assertThatThrownBy(() -> LeverUrl.parse("lever:///svc/m")).hasMessageContaining("no environment");
        assertThatThrownBy(() -> LeverUrl.parse("//m")).hasMessageContaining("empty service");
        assertThatThrownBy(() -> LeverUrl.parse("/svc/")).hasMessageContaining("empty method");
        assertThatThrownBy(() -> LeverUrl.parse("")).hasMessageContaining("empty Lever URL");
    }

    @Test
    void streamingMethodNames() {
        assertThat(MethodNames.isStreaming("uploadChan")).isTrue();
        assertThat(MethodNames.isStreaming("upload_chan")).isTrue();
        assertThat(MethodNames.isStreaming("chan")).isTrue();
        assertThat(MethodNames.isStreaming("channel")).isFalse();
        assertThat(MethodNames.isStreaming("sayHello")).isFalse();
    }

    @Test
    void privateMethodNames() {
        assertThat(MethodNames.isExported("sayHello")).isTrue();
        assertThat(MethodNames.isExported("_secret")).isFalse();
        assertThat(MethodNames.isExported("")).isFalse();
    }
}
