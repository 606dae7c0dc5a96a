import zipfile, struct
def pk_module(cls):
    b = b'\x80\x02' + b'c__torch__\n' + cls.encode() + b'\nq\x00)\x81}(' 
    name = b'training'
    b += b'X' + struct.pack('<I', len(name)) + name + b'q\x01\x88ub.'
    return b
code = '''class ToBf16(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.ToBf16,
    x: Tensor) -> Tensor:
    return torch.to(x, 15)
'''
with zipfile.ZipFile('tobf16.pt', 'w', zipfile.ZIP_STORED) as z:
    z.writestr('tobf16/data.pkl', pk_module('ToBf16'))
    z.writestr('tobf16/code/__torch__.py', code)
    z.writestr('tobf16/constants.pkl', b'\x80\x02).')
    z.writestr('tobf16/version', '3\n')
    z.writestr('tobf16/byteorder', 'little')
