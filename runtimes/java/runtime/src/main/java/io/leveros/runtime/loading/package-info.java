/**
 * Finding and instantiating the service class: {@link io.leveros.core.javaservice.ServiceClassPath}
 * is the classpath rule of the runtime contract, {@link io.leveros.runtime.loading.ServiceLoading}
 * loads the class in its own class loader (child of the runtime's, so the {@code io.leveros.api}
 * classes are shared) and calls its public no-arg constructor, turning each failure into a one-line
 * {@link io.leveros.runtime.StartFailure}.
 */
package io.leveros.runtime.loading;
