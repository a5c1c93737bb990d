package __PACKAGE__;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class __CLASS__Test {
    private final __CLASS__ service = new __CLASS__();

    @Test
    void saysHello() {
        assertEquals("Hello, world!", service.sayHello("world"));
    }

    @Test
    void shouts() {
        assertEquals("HEY!", __CLASS__.shout("hey"));
    }
}
