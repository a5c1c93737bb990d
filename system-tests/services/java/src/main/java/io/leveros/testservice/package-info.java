/**
 * The Java service of the end-to-end tests ({@link io.leveros.testservice.TestService}, deployed as
 * {@code testService}) and two classes that must fail to start: {@link
 * io.leveros.testservice.Overloaded} (overloaded method names) and {@link
 * io.leveros.testservice.CrashesAtStart} (its constructor throws).
 */
package io.leveros.testservice;
