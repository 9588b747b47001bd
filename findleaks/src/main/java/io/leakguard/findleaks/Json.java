package io.leakguard.findleaks;

import java.util.List;
import java.util.function.Function;

/** The little JSON leakguard's reports need, written by hand rather than with a library the drop-in jar would carry. */
public final class Json {

    private Json() {
    }

    public static String string(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    public static <T> String array(List<T> items, Function<T, String> element) {
        return "[" + String.join(", ", items.stream().map(element).toList()) + "]";
    }

    public static String strings(List<String> items) {
        return array(items, Json::string);
    }
}
