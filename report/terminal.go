package report

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// terminalSafe returns text with every control character but newline and
// tab shown escaped, as Go quotes it ("\x1b", "\r", "\u009b"): names in a
// dump or a shard come from anyone, and an escape sequence in one (ESC,
// OSC, CSI, a carriage return) would otherwise drive the reader's
// terminal — recolour it, rewrite the lines above, plant a link. Text
// without control characters is returned as it is. A byte that is not
// UTF-8 is shown as "\x9b" too: a terminal reading 8-bit controls takes
// 0x9b for CSI.
func terminalSafe(text []byte) []byte {
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRune(text[i:])
		if unsafeRune(r, n) {
			break
		}
		i += n
	}
	if i == len(text) {
		return text
	}
	out := append(make([]byte, 0, len(text)+16), text[:i]...)
	for i < len(text) {
		r, n := utf8.DecodeRune(text[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, `\x`...)
			out = strconv.AppendUint(out, uint64(text[i])>>4, 16)
			out = strconv.AppendUint(out, uint64(text[i])&15, 16)
		case unsafeRune(r, n):
			q := strconv.QuoteRune(r)
			out = append(out, q[1:len(q)-1]...)
		default:
			out = append(out, text[i:i+n]...)
		}
		i += n
	}
	return out
}

// unsafeRune reports whether the rune r, n bytes long, must be escaped.
func unsafeRune(r rune, n int) bool {
	return r == utf8.RuneError && n == 1 || r != '\n' && r != '\t' && unicode.IsControl(r)
}
