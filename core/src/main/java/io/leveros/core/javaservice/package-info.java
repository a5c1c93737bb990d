/**
 * Where a Java service's classes are in its folder: the rule the Java runtime loads by and the CLI
 * checks (and compiles) by.
 */
package io.leveros.core.javaservice;
