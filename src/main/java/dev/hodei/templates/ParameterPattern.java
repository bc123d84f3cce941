package dev.hodei.templates;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A string or secret parameter's {@code pattern}, compiled with RE2/J: matching takes time linear
 * in the value, so no value can backtrack exponentially (java.util.regex took 2.5 s on 26
 * characters against {@code (a|a){1,100}b}, inside the transaction that holds the template's
 * row lock). RE2 has no backreferences or lookaround; such patterns are refused when the template
 * is stored. RE2/J expands counted repetitions when it compiles, so nested ones
 * ({@code ((a{1000}){1000}){1000}}) would exhaust the heap: their expanded size is bounded first.
 */
final class ParameterPattern {

    static final int MAX_LENGTH = 1024;
    /** Expanded size (atoms × counted repetitions) of the largest pattern accepted. */
    static final int MAX_EXPANDED = 2000;

    private ParameterPattern() {}

    /** Why {@code regex} is refused, or null when it compiles. */
    static String problem(String regex) {
        if (regex.length() > MAX_LENGTH) return "longer than " + MAX_LENGTH + " characters";
        if (expandedSize(regex) > MAX_EXPANDED) {
            return "its counted repetitions expand to more than " + MAX_EXPANDED + " steps; use fewer or smaller {n,m}";
        }
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return "not a regular expression RE2 accepts (no backreferences or lookaround): " + e.getDescription();
        }
    }

    /** @throws IllegalArgumentException for a pattern {@link #problem} refuses */
    static Pattern compile(String regex) {
        String problem = problem(regex);
        if (problem != null) throw new IllegalArgumentException(problem);
        return Pattern.compile(regex);
    }

    /** Does the whole {@code value} match? False for a pattern stored before it would have been refused. */
    static boolean matches(String regex, String value) {
        try {
            return compile(regex).matcher(value).matches();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * An upper estimate of the atoms RE2/J's compiler makes: each group's size times the count of a
     * repetition that follows it. Character classes and escapes count as one atom.
     */
    static long expandedSize(String regex) {
        long[] size = new long[regex.length() + 2];   // per open group: atoms so far
        long[] last = new long[regex.length() + 2];   // per open group: size of its last atom
        int depth = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            long atom = 1;
            switch (c) {
                case '\\' -> {
                    if (i + 1 < regex.length() && regex.charAt(i + 1) == 'Q') { // literal up to \E
                        int end = regex.indexOf("\\E", i + 2);
                        int stop = end < 0 ? regex.length() : end;
                        size[depth] = saturate(size[depth] + Math.max(0, stop - (i + 2)));
                        i = end < 0 ? regex.length() : end + 1;
                        last[depth] = 1;
                        continue;
                    }
                    i++;
                }
                case '[' -> i = classEnd(regex, i);
                case '(' -> {
                    depth++;
                    size[depth] = 0;
                    last[depth] = 0;
                    continue;
                }
                case ')' -> {
                    if (depth == 0) continue; // unbalanced: the compiler refuses it
                    atom = size[depth--];
                }
                case '|' -> {
                    last[depth] = 0;
                    continue;
                }
                case '{' -> {
                    int close = regex.indexOf('}', i);
                    long count = close < 0 ? -1 : repeatCount(regex.substring(i + 1, close));
                    if (count >= 0) {
                        size[depth] = saturate(size[depth] + last[depth] * Math.max(0, count - 1));
                        last[depth] = saturate(last[depth] * Math.max(1, count));
                        i = close;
                        continue;
                    }
                }
                default -> { }
            }
            size[depth] = saturate(size[depth] + atom);
            last[depth] = atom;
        }
        while (depth > 0) size[depth - 1] = saturate(size[depth - 1] + size[depth--]);
        return size[0];
    }

    /** The largest count of {@code n}, {@code n,} or {@code n,m}; -1 when it is not a repetition. */
    private static long repeatCount(String inner) {
        if (!inner.matches("\\d{1,9}(,\\d{0,9})?")) return -1;
        String[] parts = inner.split(",", -1);
        long min = Long.parseLong(parts[0]);
        if (parts.length == 1) return min;
        return parts[1].isEmpty() ? min + 1 : Math.max(min, Long.parseLong(parts[1]));
    }

    /** Index of the ']' closing the class opened at {@code open}. */
    private static int classEnd(String regex, int open) {
        int i = open + 1;
        if (i < regex.length() && regex.charAt(i) == '^') i++;
        if (i < regex.length() && regex.charAt(i) == ']') i++;
        for (; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') i++;
            else if (c == '[' && i + 1 < regex.length() && regex.charAt(i + 1) == ':') {
                int end = regex.indexOf(":]", i + 2);
                if (end > 0) i = end + 1;
            } else if (c == ']') return i;
        }
        return regex.length();
    }

    private static long saturate(long n) {
        return Math.min(n, Integer.MAX_VALUE);
    }
}
