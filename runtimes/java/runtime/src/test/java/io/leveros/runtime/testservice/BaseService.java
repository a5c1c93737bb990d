package io.leveros.runtime.testservice;

/** A superclass: its public methods are exported by subclasses. */
public class BaseService {
    public String inherited() {
        return "from the superclass";
    }
}
