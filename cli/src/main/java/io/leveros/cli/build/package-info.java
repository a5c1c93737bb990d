/** Building a service folder before it is deployed, for {@code lever dev}'s quick turns. */
package io.leveros.cli.build;
