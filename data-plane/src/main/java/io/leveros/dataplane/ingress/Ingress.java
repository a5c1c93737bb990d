package io.leveros.dataplane.ingress;

/** The port a call came in on, which decides who may call and what they may reach. */
public enum Ingress {
    /** Port 8080: anyone; public services only; any environment. */
    PUBLIC("public"),
    /**
     * Port 3838 (loopback): instances only, each identified by its {@code lever-instance-token};
     * private services allowed, in the caller's own environment only.
     */
    GATEWAY("internal"),
    /**
     * Port 3500: other data planes only (the forwarding key, checked before the call gets here);
     * absolute Lever URLs; private services allowed (the forwarding node checked its caller).
     */
    FORWARDED("forwarded");

    private final String label;

    Ingress(String label) {
        this.label = label;
    }

    /** The {@code ingress} label of the call metrics. */
    public String label() {
        return label;
    }

    /** Whether private services may be called from here. */
    public boolean allowsPrivate() {
        return this != PUBLIC;
    }
}
