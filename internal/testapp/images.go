package testapp

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// PNGBomb returns a PNG whose header declares width x height grey pixels,
// with a valid IHDR and a tiny compressed IDAT: a few hundred bytes that a
// full decode turns into width x height bytes and more.
func PNGBomb(width, height uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		io.WriteString(crc, kind)
		crc.Write(data)
		b.WriteString(kind)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}

	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	ihdr[8] = 8 // bit depth; colour type 0 (grey), no interlace
	chunk("IHDR", ihdr)

	var idat bytes.Buffer
	z := zlib.NewWriter(&idat)
	z.Write(make([]byte, 64<<10)) // the first rows: zeros compress to almost nothing
	z.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}
