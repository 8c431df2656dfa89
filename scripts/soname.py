#!/usr/bin/env python3
"""Print the SONAME of a shared library file (meson.build's libraries
opened with dlopen(): the name the dynamic linker would record if they
were linked).

    soname.py LIBRARY.so
"""
import struct
import sys


def soname(path):
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        raise ValueError("%s: not a 64-bit ELF file" % path)
    end = "<" if elf[5] == 1 else ">"
    shoff, = struct.unpack_from(end + "Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from(end + "HH", elf, 0x3a)
    secs = [struct.unpack_from(end + "IIQQQQIIQQ", elf, shoff + i * shentsize)
            for i in range(shnum)]
    for s in secs:
        if s[1] != 6:  # SHT_DYNAMIC
            continue
        strtab = secs[s[6]]  # sh_link: its string table
        for off in range(s[4], s[4] + s[5], 16):
            tag, val = struct.unpack_from(end + "qQ", elf, off)
            if tag == 0:
                break
            if tag == 14:  # DT_SONAME
                name = elf[strtab[4] + val:].split(b"\0", 1)[0]
                return name.decode()
    raise ValueError("%s: no SONAME" % path)


if __name__ == "__main__":
    print(soname(sys.argv[1]))
