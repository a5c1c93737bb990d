package __PACKAGE__;

import io.leveros.api.LeverStream;

/**
 * The __NAME__ service: every public method is a Lever method. Call them with
 * {@code lever invoke /__NAME__/sayHello '"world"'} and
 * {@code lever stream /__NAME__/shoutChan}.
 */
public class __CLASS__ {
    /** A regular method: JSON arguments in, a JSON result out. */
    public String sayHello(String name) {
        return "Hello, " + name + "!";
    }

    /**
     * A streaming method (its name ends in {@code Chan}): answers each message the caller sends with
     * the same text in capitals, until the caller is done sending.
     */
    public void shoutChan(LeverStream stream) {
        for (LeverStream.Message message : stream) {
            stream.send(shout(message.as(String.class)));
        }
    }

    static String shout(String text) {
        return text.toUpperCase() + "!";
    }
}
