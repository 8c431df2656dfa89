# m4 fails on this line: the file it includes does not exist
include(`no-such-include.m4')
