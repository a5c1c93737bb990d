/** Environment naming rules shared by the control plane, data plane and CLI. */
package io.leveros.core.environment;
