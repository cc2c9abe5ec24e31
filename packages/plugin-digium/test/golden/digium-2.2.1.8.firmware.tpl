{#- The firmware of this plugin's version, one element per model. The phone compares `version` with what it runs and,
    when they differ, downloads `url` (installed by the `firmware` package into tftpboot/Digium/firmware/). #}
    <firmware model="D40" version="2_2_1_8" url="{{ XX_server_url }}/Digium/firmware/2_2_1_8_D40_firmware.eff"/>
    <firmware model="D45" version="2_2_1_8" url="{{ XX_server_url }}/Digium/firmware/2_2_1_8_D45_firmware.eff"/>
    <firmware model="D50" version="2_2_1_8" url="{{ XX_server_url }}/Digium/firmware/2_2_1_8_D50_firmware.eff"/>
    <firmware model="D60" version="2_2_1_8" url="{{ XX_server_url }}/Digium/firmware/2_2_1_8_D60_firmware.eff"/>
    <firmware model="D62" version="2_2_1_8" url="{{ XX_server_url }}/Digium/firmware/2_2_1_8_D62_firmware.eff"/>
    <firmware model="D65" version="2_2_1_8" url="{{ XX_server_url }}/Digium/firmware/2_2_1_8_D65_firmware.eff"/>
    <firmware model="D70" version="2_2_1_8" url="{{ XX_server_url }}/Digium/firmware/2_2_1_8_D70_firmware.eff"/>
