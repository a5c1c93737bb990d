/** The service skeletons {@code lever new} writes: one per language, with a build, tests and a README. */
package io.leveros.cli.template;
