/** Service classes the runtime's tests load, in-process and as separate runtime processes. */
package io.leveros.runtime.testservice;
