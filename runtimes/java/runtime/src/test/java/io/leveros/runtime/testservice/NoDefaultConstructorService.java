package io.leveros.runtime.testservice;

public class NoDefaultConstructorService {
    public NoDefaultConstructorService(String name) {}
}
