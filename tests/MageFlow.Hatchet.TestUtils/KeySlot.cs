using System.Text;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>The Redis Cluster slot of a key, computed as Redis does (CRC16-XMODEM of the hash tag, or of the whole key
/// without one, modulo 16384), so that tests assert slots on a single node as on a cluster.</summary>
public static class KeySlot
{
    public static int Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var open = key.IndexOf('{', StringComparison.Ordinal);
        if (open >= 0)
        {
            var close = key.IndexOf('}', open + 1);
            if (close > open + 1)
            {
                key = key[(open + 1)..close];
            }
        }

        ushort crc = 0;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
    }
}
