/// Characters that draw nothing yet change what a reader sees: bidi controls (U+202A–U+202E,
/// U+2066–U+2069, U+200E, U+200F, U+061C), zero-width characters (U+200B–U+200D, U+2060,
/// U+FEFF), every other default-ignorable code point (soft hyphen, Hangul fillers, variation
/// selectors, tags), every format character (general category Cf) and the noncharacters
/// (U+FFFE, U+FFFF…, which XML also forbids). A name from a result file could use them to
/// read as another name (`abc\u{202E}fed` shows as `abcdef`), so every escaper of outside text
/// shows each one as its code point, `<U+202E>`, before its own escaping.
public enum InvisibleText {
    /// True for a scalar that `reveal` replaces.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let p = scalar.properties
        return p.isDefaultIgnorableCodePoint || p.generalCategory == .format || p.isNoncharacterCodePoint
    }

    /// The text with every invisible scalar written as `<U+XXXX>` (upper-case hex, at least four
    /// digits); everything else unchanged.
    public static func reveal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isInvisible) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isInvisible(scalar) { out.append(contentsOf: codePoint(scalar).unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// `<U+202E>`.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }

    /// One line for a terminal: invisible scalars revealed, control characters (escape
    /// sequences, line breaks) as spaces, so a name cannot move the cursor or recolour the line.
    public static func terminalLine(_ text: String) -> String {
        String(String.UnicodeScalarView(reveal(text).unicodeScalars.map { s in
            s.value < 0x20 || (0x7F..<0xA0).contains(s.value) || s == "\u{2028}" || s == "\u{2029}" ? " " : s
        }))
    }
}
