package auditpkg

import (
	"encoding/binary"
	"hash/crc32"
	"io"
	"strings"

	"github.com/attest-hq/attest/ledger"
)

// Resuming an interrupted export. A package is written front to back: the
// documents (small, written with their sizes in their headers), then every
// evidence file in order of hash, then the ledger segment. When an export is
// cut short, the file it leaves holds the documents and a run of complete
// evidence files, then a torn one. Resume reads that file from the start,
// entry by entry, and keeps each evidence file it holds whole: stored, of
// the size the new package expects, hashing to the name it has. Write then
// copies those from the earlier file instead of reading them again from the
// blob store (often a remote bucket), checking each hash again on the way;
// everything else (the documents, the files the earlier run never reached,
// the ledger segment) is written afresh, so a resumed package is the package
// of now, not of the interrupted run. Nothing in the earlier file is trusted:
// a file that does not hash to its name is fetched again.

// Resume is an earlier, interrupted package of the same export.
type Resume struct {
	From io.ReaderAt
	Size int64
}

// span is where a complete evidence file lies in the earlier package.
type span struct {
	off, size int64
	crc       uint32
}

// Zip record signatures and fixed lengths (APPNOTE 4.3.7 and 4.3.9).
const (
	localHeaderSig   = 0x04034b50
	localHeaderLen   = 30
	descriptorSig    = 0x08074b50
	maxRawEntrySize  = 1<<32 - 1 // larger files would need zip64 fields in the local header: fetched again
	flagDataDescript = 0x8
)

// scan walks the earlier package's local headers and returns the evidence
// files it holds whole, by SHA-256. want gives the size of each file the new
// package holds; a file it does not hold, or holds with another size, is not
// kept, and the walk stops at the first entry whose length it cannot tell
// (a compressed entry followed by a data descriptor) or that runs past the
// end.
func (r Resume) scan(want map[string]int64) map[string]span {
	kept := map[string]span{}
	if r.From == nil {
		return kept
	}
	var hdr [localHeaderLen]byte
	for off := int64(0); off+localHeaderLen <= r.Size; {
		if _, err := r.From.ReadAt(hdr[:], off); err != nil || binary.LittleEndian.Uint32(hdr[0:]) != localHeaderSig {
			break
		}
		flags, method := binary.LittleEndian.Uint16(hdr[6:]), binary.LittleEndian.Uint16(hdr[8:])
		crc := binary.LittleEndian.Uint32(hdr[14:])
		csize, usize := int64(binary.LittleEndian.Uint32(hdr[18:])), int64(binary.LittleEndian.Uint32(hdr[22:]))
		nameLen, extraLen := int64(binary.LittleEndian.Uint16(hdr[26:])), int64(binary.LittleEndian.Uint16(hdr[28:]))
		if nameLen > 1024 || off+localHeaderLen+nameLen > r.Size {
			break
		}
		name := make([]byte, nameLen)
		if _, err := r.From.ReadAt(name, off+localHeaderLen); err != nil {
			break
		}
		data := off + localHeaderLen + nameLen + extraLen
		// An evidence file is blobs/sha256/ab/abcd…: BlobPath of its hash.
		sha, isBlob := strings.CutPrefix(string(name), blobDir)
		isBlob = isBlob && len(sha) == 67 && BlobPath(sha[3:]) == string(name)
		if isBlob {
			sha = sha[3:]
		}
		// known: the new package holds this file, of this size; keep: and
		// it can be copied as it is.
		size, known := want[sha]
		known = known && isBlob
		keep := known && size < maxRawEntrySize
		var next int64
		switch {
		case flags&flagDataDescript == 0:
			// Sizes in the header: a document, or a file an earlier resume copied.
			next = data + csize
			if keep && method == 0 && csize == size && usize == size && next <= r.Size {
				if got, ok := r.check(sha, data, size); ok && got == crc {
					kept[sha] = span{off: data, size: size, crc: crc}
				}
			}
		case known && method == 0:
			// Streamed with a data descriptor after it: its length is the
			// size the new package expects; the descriptor must agree.
			next = data + size + 16
			if size >= maxRawEntrySize {
				next = data + size + 24
			}
			if next > r.Size {
				next = r.Size + 1
				break
			}
			if !keep {
				break
			}
			got, ok := r.check(sha, data, size)
			if desc, dok := r.descriptor(data+size, size); ok && dok && desc == got {
				kept[sha] = span{off: data, size: size, crc: got}
			}
		default:
			next = r.Size + 1 // a length it cannot tell: stop
		}
		if next > r.Size {
			break
		}
		off = next
	}
	return kept
}

// check hashes size bytes at off: ok when they hash to sha; it returns
// their CRC-32.
func (r Resume) check(sha string, off, size int64) (uint32, bool) {
	c := crc32.NewIEEE()
	got, n, err := ledger.HashReader(io.TeeReader(io.NewSectionReader(r.From, off, size), c))
	return c.Sum32(), err == nil && n == size && got == sha
}

// descriptor reads the data descriptor at off of an entry of size bytes and
// returns its CRC-32; ok is false when it is not one, or names other sizes.
func (r Resume) descriptor(off, size int64) (crc uint32, ok bool) {
	n := 16
	if size >= maxRawEntrySize {
		n = 24
	}
	b := make([]byte, n)
	if _, err := r.From.ReadAt(b, off); err != nil || binary.LittleEndian.Uint32(b) != descriptorSig {
		return 0, false
	}
	var cs, us int64
	if n == 16 {
		cs, us = int64(binary.LittleEndian.Uint32(b[8:])), int64(binary.LittleEndian.Uint32(b[12:]))
	} else {
		cs, us = int64(binary.LittleEndian.Uint64(b[8:])), int64(binary.LittleEndian.Uint64(b[16:]))
	}
	return binary.LittleEndian.Uint32(b[4:]), cs == size && us == size
}
