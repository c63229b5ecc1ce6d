package io.callauth.routing;

/** {@code callauth.routing.mode}: by measured delivery and cost, or the chain's order as configured */
public enum RoutingMode {
    ADAPTIVE, STATIC;

    public String wire() {
        return name().toLowerCase();
    }
}
