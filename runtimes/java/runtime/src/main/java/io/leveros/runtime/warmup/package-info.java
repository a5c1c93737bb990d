/**
 * The training run that makes the class-data archive instances start with: {@link
 * io.leveros.runtime.warmup.WarmUpMain}.
 */
package io.leveros.runtime.warmup;
