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
}
