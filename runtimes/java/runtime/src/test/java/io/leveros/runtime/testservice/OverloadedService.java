package io.leveros.runtime.testservice;

public class OverloadedService {
    public String greet(String name) {
        return name;
    }

    public String greet(String name, int times) {
        return name.repeat(times);
    }
}
