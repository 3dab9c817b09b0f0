// Host unit for the shared libtorch precompiled header.
