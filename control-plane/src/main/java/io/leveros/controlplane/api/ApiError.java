package io.leveros.controlplane.api;

/** Every error answer's body. */
public record ApiError(String code, String message) {}
