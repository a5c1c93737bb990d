package io.leveros.testservice;

/** Must refuse to start: two public methods share the name {@code greet}. */
public class Overloaded {
    public String greet(String name) {
        return "hello " + name;
    }

    public String greet(String name, int times) {
        return ("hello " + name + " ").repeat(times).strip();
    }
}
