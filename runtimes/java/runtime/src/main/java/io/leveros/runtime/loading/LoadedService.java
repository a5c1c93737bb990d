package io.leveros.runtime.loading;

/**
 * A service class and the one instance that serves all its calls.
 *
 * @param type the service class
 * @param instance the instance, made with the public no-arg constructor
 * @param classLoader the loader of the service's code
 */
public record LoadedService(Class<?> type, Object instance, ClassLoader classLoader) {}
