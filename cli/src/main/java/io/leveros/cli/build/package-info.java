/**
 * Building a service folder before it is deployed: its Maven build ({@code lever deploy}, {@code lever
 * dev}), the quick in-process compile of a source edit ({@code lever dev}), and running such tools.
 */
package io.leveros.cli.build;
