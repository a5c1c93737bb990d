package io.leveros.dataplane.ingress;

import io.leveros.core.url.InvalidLeverUrlException;
import io.leveros.core.url.LeverUrl;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The request path {@code /<service>[/<resource>]/<method>} as a relative Lever URL. */
public final class CallPath {
    private CallPath() {}

    /** @throws CallException INVALID_URL */
    public static LeverUrl parse(String rawPath) {
        if (rawPath == null || rawPath.length() < 2 || rawPath.charAt(0) != '/') {
            throw invalid("'" + rawPath + "' names no service and method");
        }
        String path = rawPath.indexOf('%') >= 0 ? percentDecode(rawPath) : rawPath;
        try {
            return LeverUrl.parsePath(path, null, path.substring(1));
        } catch (InvalidLeverUrlException e) {
            throw invalid(e.getMessage());
        }
    }

    private static CallException invalid(String problem) {
        return new CallException(
                ErrorCode.INVALID_URL,
                "invalid call path: " + problem + " (expected: POST /<service>[/<resource>]/<method>)");
    }

    static String percentDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw invalid("'" + text + "' has a bad percent escape at position " + i);
                }
                out.write(high * 16 + low);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
