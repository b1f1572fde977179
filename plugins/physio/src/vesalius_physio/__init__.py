"""Vesalius physiotherapy pack: templates, the body chart, ODI/LEFS/QuickDASH/SPADI,
exercise prescription with a printable home programme, billing codes and the charge rule."""
