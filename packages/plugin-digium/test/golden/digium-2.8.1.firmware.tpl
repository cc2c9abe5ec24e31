{#- The firmware of this plugin's version, one element per model. The phone compares `version` with what it runs and,
    when they differ, downloads `url` (installed by the `firmware` package into tftpboot/Digium/firmware/). #}
    <firmware model="D40" version="2_8_1" url="{{ XX_server_url }}/Digium/firmware/2_8_1_D40_firmware.eff"/>
    <firmware model="D45" version="2_8_1" url="{{ XX_server_url }}/Digium/firmware/2_8_1_D45_firmware.eff"/>
    <firmware model="D50" version="2_8_1" url="{{ XX_server_url }}/Digium/firmware/2_8_1_D50_firmware.eff"/>
    <firmware model="D60" version="2_8_1" url="{{ XX_server_url }}/Digium/firmware/2_8_1_D60_firmware.eff"/>
    <firmware model="D62" version="2_8_1" url="{{ XX_server_url }}/Digium/firmware/2_8_1_D62_firmware.eff"/>
    <firmware model="D65" version="2_8_1" url="{{ XX_server_url }}/Digium/firmware/2_8_1_D65_firmware.eff"/>
    <firmware model="D70" version="2_8_1" url="{{ XX_server_url }}/Digium/firmware/2_8_1_D70_firmware.eff"/>
