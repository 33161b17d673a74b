import Testing
@testable import Results

@Suite struct MarkdownTests {
    @Test func plainNamesStayReadable() {
        #expect(Markdown.escape("checkout") == "checkout")
        #expect(Markdown.escape("0373dfd5ede6") == "0373dfd5ede6")
    }

    @Test func tableAndHTMLCannotBreakOut() {
        let hostile = "a|b\n<img src=x onerror=alert(1)>"
        let escaped = Markdown.escape(hostile)
        #expect(!escaped.contains("\n"))
        #expect(!escaped.contains("<"))
        #expect(!escaped.contains(">"))
        // Every pipe is escaped, so a table row keeps its column count.
        #expect(!escaped.replacingOccurrences(of: "\\|", with: "").contains("|"))
    }

    @Test func linksImagesMentionsAndAutolinksAreBroken() {
        let escaped = Markdown.escape("![x](http://evil.example) [y](javascript:alert) @org/team www.evil.example #12 **b**")
        #expect(!escaped.contains("]("))
        #expect(!escaped.contains("://"))
        #expect(!escaped.contains("@o"))
        #expect(!escaped.lowercased().contains("www"))
        #expect(!escaped.contains("**"))
        #expect(escaped.contains("\\#\u{200B}12"))
        #expect(!escaped.contains("#1"))
    }

    @Test func controlCharactersBecomeSpaces() {
        #expect(Markdown.escape("a\u{1B}[31mb\r\nc") == "a \\[31mb c")
    }

    @Test func invisibleCharactersShowAsTheirCodePoints() {
        // Right-to-left override: `abc\u{202E}fed` would read as `abcdef`.
        #expect(Markdown.escape("abc\u{202E}fed") == "abc&lt;U\\+202E&gt;fed")
        for scalar: Unicode.Scalar in ["\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
                                       "\u{200E}", "\u{200F}", "\u{061C}", "\u{200B}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}", "\u{3164}", "\u{FFFF}"] {
            let escaped = Markdown.escape("a" + String(scalar) + "b")
            #expect(!escaped.unicodeScalars.contains(scalar), "U+\(String(scalar.value, radix: 16))")
            #expect(escaped.contains(InvisibleText.codePoint(scalar).replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "+", with: "\\+").replacingOccurrences(of: ">", with: "&gt;")))
        }
        #expect(InvisibleText.codePoint("\u{E0041}") == "<U+E0041>")
        #expect(InvisibleText.reveal("café ünïcödé 名前") == "café ünïcödé 名前")
        #expect(InvisibleText.terminalLine("id\u{1B}[2J\u{202E}x\ny") == "id [2J<U+202E>x y")
    }
}
