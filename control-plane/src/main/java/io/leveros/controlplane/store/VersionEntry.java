package io.leveros.controlplane.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.leveros.core.leverjson.LeverJson;
import java.util.List;

/** How instances of a version start: exactly one field is set, as in lever.json. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VersionEntry(String javaEntry, String jsEntry, List<String> entry) {

    public static VersionEntry of(LeverJson.Entry entry) {
        return switch (entry) {
            case LeverJson.JavaEntry java -> new VersionEntry(java.className(), null, null);
            case LeverJson.JsEntry js -> new VersionEntry(null, js.module(), null);
            case LeverJson.CommandEntry command -> new VersionEntry(null, null, command.argv());
        };
    }
}
