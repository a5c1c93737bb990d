/**
 * JSON values as they travel on the wire ({@code core.JSON}) and their conversion to and from JSON
 * text and Jackson trees. Start with {@link io.leveros.core.json.JsonValues}.
 */
package io.leveros.core.json;
